package io.qforge.engine.job;

import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;

/** A record's components as an ordered name -> value map (enums as their names), for reports. */
final class Records {
    private Records() {
    }

    static Map<String, Object> toMap(Record r) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            try {
                Object v = c.getAccessor().invoke(r);
                m.put(c.getName(), v instanceof Enum<?> e ? e.name() : v);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + c.getName() + " of " + r.getClass().getSimpleName(), e);
            }
        }
        return m;
    }
}
