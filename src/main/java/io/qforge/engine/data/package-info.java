/**
 * Datasets for the engine: readers for numpy {@code .npz}/{@code .npy} ({@link io.qforge.engine.data.NpzReader},
 * {@link io.qforge.engine.data.NpyReader}) and MNIST-style IDX files ({@link io.qforge.engine.data.IdxReader}),
 * checks against a model ({@link io.qforge.engine.data.DatasetValidator}) and deterministic mini-batches
 * ({@link io.qforge.engine.data.Batches}). Every problem is a {@link io.qforge.engine.data.DatasetException}
 * whose message names the array or file.
 */
package io.qforge.engine.data;
