package dev.sekisho.scanner.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sekisho.api.v1alpha1.Severity;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Go module's symbols and a finding's reachability survive JSON, as the layer cache, the scan API
 * submission and the operator's report store (read again by the re-matcher) write them.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GoSymbolsJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());

  @Test
  void goModuleSymbolsAndReachabilityRoundTrip() throws Exception {
    Package p =
        new Package(
            PackageType.GOLANG,
            "golang.org/x/text",
            "v0.3.5",
            null,
            null,
            List.of(),
            "pkg:golang/golang.org/x/text@v0.3.5",
            new Location("sha256:l", "/app"),
            new PackageMetadata.GoModule(
                "go1.22.1",
                false,
                "linux",
                "amd64",
                new GoSymbols(
                    true, Map.of("golang.org/x/text/language", List.of("Parse", "Tag.String")))));
    Vulnerability v =
        new Vulnerability(
            "CVE-2021-38561",
            List.of("GO-2021-0113"),
            p,
            List.of("v0.3.7"),
            FixState.FIXED,
            Severity.High,
            7.5,
            null,
            null,
            null,
            false,
            "s",
            List.of(),
            Reachability.REACHABLE);

    String json = JSON.writeValueAsString(v);
    assertThat(json).contains("\"reachability\":\"true\"");
    Vulnerability back = JSON.readValue(json, Vulnerability.class);
    assertThat(back).isEqualTo(v);
    assertThat(
            ((PackageMetadata.GoModule) back.pkg().metadata())
                .symbols()
                .symbols("golang.org/x/text/language"))
        .containsExactly("Parse", "Tag.String");
  }
}
