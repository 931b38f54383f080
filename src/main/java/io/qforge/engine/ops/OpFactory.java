package io.qforge.engine.ops;

import io.qforge.engine.graph.Node;

/** Builds the {@link Op} for a node from its attributes. */
@FunctionalInterface
public interface OpFactory {
    Op create(Node node);
}
