package io.qforge.support;

import java.util.Comparator;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/**
 * What this test JVM runs: the JUnit test plan (registered as a listener through
 * {@code META-INF/services}), so a test can tell a whole-suite run from a targeted one; and
 * {@link CoverageLast}, the class order that puts {@code ContractCoverageTest} after every other
 * class (set in {@code junit-platform.properties}).
 */
public final class TestRun implements TestExecutionListener {
    private static volatile TestPlan plan;

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
    }

    /** Names of the test classes in this run's plan (empty when no plan was seen). */
    public static Set<String> classes() {
        var p = plan;
        if (p == null) return Set.of();
        return p.getRoots().stream().flatMap(root -> p.getDescendants(root).stream())
                .map(id -> id.getSource().orElse(null))
                .filter(ClassSource.class::isInstance)
                .map(s -> ((ClassSource) s).getClassName())
                .collect(Collectors.toSet());
    }

    /** Every class in its usual order, except that classes named {@code *CoverageTest} come last. */
    public static final class CoverageLast implements ClassOrderer {
        @Override
        public void orderClasses(ClassOrdererContext context) {
            context.getClassDescriptors().sort(Comparator.comparing(d -> d.getTestClass().getSimpleName().endsWith("CoverageTest")));
        }
    }
}
