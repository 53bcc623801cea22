package io.keyless.tools;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JsonTest {
    @Test
    void writesNestedMapsAndListsInOrder() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("ok", true);
        inner.put("count", 3L);
        Map<String, Object> outer = new LinkedHashMap<>();
        outer.put("name", "bench");
        outer.put("items", List.of(1, 2));
        outer.put("inner", inner);
        outer.put("missing", null);

        assertThat(Json.write(outer))
                .isEqualTo("{\"name\":\"bench\",\"items\":[1,2],\"inner\":{\"ok\":true,\"count\":3},\"missing\":null}");
    }

    @Test
    void escapesQuotesBackslashesAndControlCharacters() {
        assertThat(Json.write("a\"b\\c\nd\u0001")).isEqualTo("\"a\\\"b\\\\c\\nd\\u0001\"");
    }

    @Test
    void writesDoublesWithAPointWhateverTheLocaleAndNoNaN() {
        assertThat(Json.write(Arrays.asList(1234.5678, Double.NaN, Double.POSITIVE_INFINITY)))
                .isEqualTo("[1234.568,null,null]");
    }
}
