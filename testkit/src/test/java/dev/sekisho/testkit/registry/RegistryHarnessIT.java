package dev.sekisho.testkit.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

@RegistryTest
class RegistryHarnessIT {

  private final HttpClient http = HttpClient.newHttpClient();

  private int status(TestRegistry registry, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(registry.baseUri().resolve("/v2/"));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void anonymousRegistryAnswersWithoutCredentials(TestRegistry registry) throws Exception {
    assertThat(registry.auth()).isEqualTo(RegistryAuth.ANONYMOUS);
    assertThat(registry.host()).isEqualTo("127.0.0.1");
    assertThat(registry.credentials()).isEmpty();
    assertThat(status(registry, null)).isEqualTo(200);
  }

  @Test
  void basicAuthRegistryRefusesAnonymousAndWrongCredentials(
      @Registry(RegistryAuth.BASIC) TestRegistry registry) throws Exception {
    Credentials credentials = registry.credentials().orElseThrow();
    HttpResponse<Void> anonymous =
        http.send(
            HttpRequest.newBuilder(registry.baseUri().resolve("/v2/")).build(),
            HttpResponse.BodyHandlers.discarding());
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
        .hasValue("Basic realm=\"sekisho-test\"");
    assertThat(status(registry, basic(credentials.username(), "wrong-" + credentials.password())))
        .isEqualTo(401);
    assertThat(status(registry, basic(credentials.username(), credentials.password())))
        .isEqualTo(200);
  }

  @Test
  void registriesAreSharedPerAuthMode(
      TestRegistry anonymous,
      @Registry(RegistryAuth.ANONYMOUS) TestRegistry sameAnonymous,
      @Registry(RegistryAuth.BASIC) TestRegistry basic) {
    assertThat(sameAnonymous).isSameAs(anonymous);
    assertThat(basic).isNotSameAs(anonymous);
    assertThat(basic.port()).isNotEqualTo(anonymous.port());
    assertThat(anonymous.tagReference("a/b", "1")).isEqualTo(anonymous.hostPort() + "/a/b:1");
  }
}
