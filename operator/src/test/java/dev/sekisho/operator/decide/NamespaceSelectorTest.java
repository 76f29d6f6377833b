package dev.sekisho.operator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NamespaceSelectorTest {
  private static final Map<String, String> PROD = Map.of("env", "prod", "team", "shop");

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("null selects all", null, PROD, true),
        Arguments.of("empty selects all", new LabelSelector(), PROD, true),
        Arguments.of("matchLabels hit", sel().addToMatchLabels("env", "prod").build(), PROD, true),
        Arguments.of("matchLabels miss", sel().addToMatchLabels("env", "dev").build(), PROD, false),
        Arguments.of(
            "matchLabels absent key", sel().addToMatchLabels("x", "y").build(), PROD, false),
        Arguments.of("In hit", expr("env", "In", "prod", "stage"), PROD, true),
        Arguments.of("In miss", expr("env", "In", "dev"), PROD, false),
        Arguments.of("In absent key", expr("zone", "In", "a"), PROD, false),
        Arguments.of("NotIn hit", expr("env", "NotIn", "dev"), PROD, true),
        Arguments.of("NotIn miss", expr("env", "NotIn", "prod"), PROD, false),
        Arguments.of("NotIn absent key", expr("zone", "NotIn", "a"), PROD, true),
        Arguments.of("Exists hit", expr("team", "Exists"), PROD, true),
        Arguments.of("Exists miss", expr("zone", "Exists"), PROD, false),
        Arguments.of("DoesNotExist hit", expr("zone", "DoesNotExist"), PROD, true),
        Arguments.of("DoesNotExist miss", expr("env", "DoesNotExist"), PROD, false),
        Arguments.of("unknown operator", expr("env", "Gt", "1"), PROD, false),
        Arguments.of("null labels", sel().addToMatchLabels("env", "prod").build(), null, false),
        Arguments.of(
            "labels AND expressions",
            sel()
                .addToMatchLabels("team", "shop")
                .addNewMatchExpression()
                .withKey("env")
                .withOperator("In")
                .withValues("dev")
                .endMatchExpression()
                .build(),
            PROD,
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matches(String name, LabelSelector selector, Map<String, String> labels, boolean expected) {
    assertThat(NamespaceSelector.matches(selector, labels)).isEqualTo(expected);
  }

  private static LabelSelectorBuilder sel() {
    return new LabelSelectorBuilder();
  }

  private static LabelSelector expr(String key, String op, String... values) {
    return sel()
        .addNewMatchExpression()
        .withKey(key)
        .withOperator(op)
        .withValues(values)
        .endMatchExpression()
        .build();
  }
}
