/**
 * Datasets as users have them (IDX, CSV, image-folder zips) converted, as a stream and within
 * limits, into the canonical {@code .npz} layout ({@code x_train, y_train, x_test, y_test}) that
 * {@link io.qforge.engine.data.NpzReader} reads, so jobs and the engine see one format.
 */
package io.qforge.engine.data.ingest;
