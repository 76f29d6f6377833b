package dev.sekisho.scanner.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageFactsTest {
  private static ImageFacts withLabels(Map<String, String> labels) {
    return new ImageFacts(
        "r/a:1", "r", "a", "1", null, null, null, null, null, false, labels, labels, null, null);
  }

  @Test
  void labelsAndAnnotationsAreListedInTheSameOrderWhateverOrderTheImageGaveThem() throws Exception {
    // twenty keys: an unordered copy of that many puts them out of order on practically every run
    Map<String, String> forward = new LinkedHashMap<>();
    Map<String, String> backward = new LinkedHashMap<>();
    for (int i = 0; i < 20; i++) {
      forward.put("org.example.label-" + (char) ('a' + i), "v" + i);
    }
    List<String> keys = List.copyOf(forward.keySet()).reversed();
    keys.forEach(k -> backward.put(k, forward.get(k)));
    ObjectMapper json = new ObjectMapper();

    ImageFacts a = withLabels(forward);
    ImageFacts b = withLabels(backward);

    assertThat(a.labels().keySet()).containsExactlyElementsOf(List.copyOf(forward.keySet()));
    assertThat(b.annotations().keySet()).containsExactlyElementsOf(List.copyOf(forward.keySet()));
    assertThat(json.writeValueAsString(a)).isEqualTo(json.writeValueAsString(b));
    assertThat(a).isEqualTo(b);
  }

  @Test
  void labelsStayImmutableAndRefuseNulls() {
    ImageFacts f = withLabels(Map.of("k", "v"));
    assertThatThrownBy(() -> f.labels().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
    Map<String, String> withNull = new HashMap<>();
    withNull.put("k", null);
    assertThatThrownBy(() -> withLabels(withNull)).isInstanceOf(NullPointerException.class);
    assertThat(withLabels(null).labels()).isEmpty();
  }
}
