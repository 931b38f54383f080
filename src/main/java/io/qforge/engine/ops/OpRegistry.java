package io.qforge.engine.ops;

import io.qforge.engine.graph.Node;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds the {@link Op} of a node from the {@link OpTable} (construction validates the node's
 * attributes; shape checks happen at the first forward).
 */
public final class OpRegistry {

    private OpRegistry() {
    }

    /**
     * Builds the op for {@code node}.
     *
     * @throws IllegalArgumentException naming the node when its op type is not supported or an
     *                                  attribute is invalid or unsupported
     */
    public static Op create(Node node) {
        OpSpec spec = OpTable.get(node.opType());
        if (spec == null) {
            throw new IllegalArgumentException("node '" + node.name() + "': op type '" + node.opType()
                    + "' is not supported; supported: " + supportedOpTypes());
        }
        return spec.create(node);
    }

    /** The supported ONNX op types (default domain), sorted. */
    public static Set<String> supportedOpTypes() {
        return Collections.unmodifiableSet(new TreeSet<>(OpTable.types()));
    }

    /** This registry as an {@link OpFactory}. */
    public static OpFactory factory() {
        return OpRegistry::create;
    }
}
