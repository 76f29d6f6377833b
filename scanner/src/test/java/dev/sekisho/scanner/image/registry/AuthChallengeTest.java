package dev.sekisho.scanner.image.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthChallengeTest {
  @Test
  void bearerWithQuotedParametersContainingCommas() {
    List<AuthChallenge> c =
        AuthChallenge.parse(
            "Bearer realm=\"https://auth.example/token\",service=\"registry.example\",scope=\"repository:a/b:pull,push\"");
    assertThat(c).hasSize(1);
    assertThat(c.get(0).scheme()).isEqualTo("bearer");
    assertThat(c.get(0).params())
        .isEqualTo(
            Map.of(
                "realm", "https://auth.example/token",
                "service", "registry.example",
                "scope", "repository:a/b:pull,push"));
  }

  @Test
  void severalChallengesAndUnquotedValues() {
    List<AuthChallenge> c =
        AuthChallenge.parse(
            "Basic realm=sekisho-test, Bearer realm=\"r\", error=\"invalid_token\"");
    assertThat(c).extracting(AuthChallenge::scheme).containsExactly("basic", "bearer");
    assertThat(c.get(0).realm()).isEqualTo("sekisho-test");
    assertThat(c.get(1).params()).containsEntry("error", "invalid_token");
  }

  @Test
  void emptyHeader() {
    assertThat(AuthChallenge.parse(null)).isEmpty();
    assertThat(AuthChallenge.parse("")).isEmpty();
  }
}
