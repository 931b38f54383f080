package io.qforge.api;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.qforge.support.OpenApiContract;
import io.qforge.support.ServiceTest;
import io.qforge.support.TestRun;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AssignableTypeFilter;

/**
 * Every status {@code openapi.yaml} documents for an operation was produced by some HTTP test of
 * this run ({@link io.qforge.support.Http} records every (operation, status) it sees and fails on
 * any it does not find documented). Runs after every other class
 * ({@link TestRun.CoverageLast}); judged only when the run holds every service test class, so a
 * targeted run ({@code -Dtest=...}) reports it as skipped.
 */
class ContractCoverageTest {
    /**
     * (operation, status) pairs the contract documents for behaviour other branches of issue 7 are
     * adding, which no test of this tree can produce yet. A pair a test produces must leave this set.
     */
    static final Set<String> AWAITED = Set.of(
            // qforge.uploads.upload-timeout (StreamingUploadTest sends it raw, Http cannot stall a body)
            "POST /v1/models 408", "POST /v1/datasets 408");

    @Test
    void everyDocumentedStatusOfEveryOperationWasProducedByATest() {
        var missingClasses = serviceTestClasses();
        missingClasses.removeAll(TestRun.classes());
        assumeTrue(missingClasses.isEmpty(), "not a whole-suite run; absent: " + missingClasses);

        var documented = new TreeSet<String>();
        OpenApiContract.get().api().getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) ->
                op.getResponses().keySet().forEach(status -> documented.add(method + " " + path + " " + status))));
        var observed = OpenApiContract.observed();

        var notProduced = new TreeSet<>(documented);
        notProduced.removeAll(observed);
        notProduced.removeAll(AWAITED);
        var nowProduced = new TreeSet<>(observed);
        nowProduced.retainAll(AWAITED);
        var soft = new SoftAssertions();
        soft.assertThat(documented).as("awaited pairs the contract documents").containsAll(AWAITED);
        soft.assertThat(notProduced).as("documented statuses no test produced (write a test that does, or drop the status)")
                .isEmpty();
        soft.assertThat(nowProduced).as("awaited statuses a test now produces: take them out of AWAITED").isEmpty();
        soft.assertAll();
    }

    private static Set<String> serviceTestClasses() {
        var scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AssignableTypeFilter(ServiceTest.class));
        return scanner.findCandidateComponents("io.qforge").stream().map(bd -> bd.getBeanClassName())
                .filter(name -> !name.equals(ServiceTest.class.getName()))
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
