package io.qforge.storage;

import io.qforge.api.ApiException;
import java.util.List;

/** One page of a list, newest first: {@code items}, the page index and size, and the total count. */
public record Page<T>(List<T> items, int page, int size, long total) {
    public static final int MAX_SIZE = 200;

    public static void check(int page, int size) {
        if (page < 0) throw ApiException.badRequest("page must be >= 0, got " + page);
        if (size < 1 || size > MAX_SIZE) throw ApiException.badRequest("size must be 1.." + MAX_SIZE + ", got " + size);
    }
}
