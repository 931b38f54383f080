# Multi-stage build: the JDK + Maven wrapper build the jar, a JRE image runs it as a non-root user.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY mvnw pom.xml openapi.yaml ./
COPY .mvn .mvn
RUN ./mvnw -B -q dependency:go-offline
COPY src src
RUN ./mvnw -B -q -DskipTests package && cp target/qforge-*.jar /qforge.jar

FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 qforge && useradd --system --uid 10001 --gid qforge --home-dir /app qforge \
    && mkdir -p /app/data /app/.javacpp && chown -R qforge:qforge /app
WORKDIR /app
COPY --from=build --chown=qforge:qforge /qforge.jar /app/qforge.jar
# ONNX Runtime 1.29's Linux telemetry crashes the JVM on long command lines (STACK-NOTES.md).
# Jobs run in child JVMs (qforge.workers.isolation=process): this JVM's heap serves only the API, and
# what the container has beyond it and 1 GiB is each job's memory budget (README, Settings); the
# children inherit the JavaCPP cache directory.
ENV ORT_DISABLE_TELEMETRY=1 \
    OMP_NUM_THREADS=2 \
    OMP_WAIT_POLICY=PASSIVE \
    JAVA_OPTS="-XX:MaxRAMPercentage=25 -Dorg.bytedeco.javacpp.cachedir=/app/.javacpp"
USER 10001:10001
EXPOSE 8080
# /app/data holds the embedded PostgreSQL when no SPRING_DATASOURCE_URL is given; /app/.javacpp the unpacked natives.
VOLUME ["/app/data", "/app/.javacpp"]
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/qforge.jar"]
