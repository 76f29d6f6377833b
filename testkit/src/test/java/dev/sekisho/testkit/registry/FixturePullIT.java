package dev.sekisho.testkit.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.testkit.fixtures.ExternalTool;
import dev.sekisho.testkit.fixtures.FixtureBuild;
import dev.sekisho.testkit.fixtures.FixtureImage;
import dev.sekisho.testkit.fixtures.Fixtures;
import dev.sekisho.testkit.fixtures.Platform;
import dev.sekisho.testkit.fixtures.PlatformImage;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Pushes every fixture image to both test registries and pulls it back by tag and by digest: with
 * skopeo (the manifest bytes hash to the fixture's digest) and over the Distribution HTTP API
 * (every manifest, config and layer blob of every platform, each checked against its digest).
 */
// the first run builds every fixture (debootstrap: 209 s on an idle machine)
@Timeout(value = 30, unit = TimeUnit.MINUTES)
@RegistryTest
class FixturePullIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ACCEPT =
      "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json";

  private final HttpClient http = HttpClient.newHttpClient();
  private final ExternalTool skopeo = ExternalTool.require("skopeo", "run hack/setup.sh");

  @ParameterizedTest
  @EnumSource(FixtureImage.class)
  void pullsAnonymouslyByTagAndDigest(FixtureImage image, Fixtures fixtures, TestRegistry registry)
      throws Exception {
    FixtureBuild fixture = fixtures.get(image);
    PushedImage pushed = registry.push(fixture);
    assertPullable(pushed);
  }

  @ParameterizedTest
  @EnumSource(FixtureImage.class)
  void pullsWithBasicAuthAndRefusesAnonymous(
      FixtureImage image, Fixtures fixtures, @Registry(RegistryAuth.BASIC) TestRegistry registry)
      throws Exception {
    FixtureBuild fixture = fixtures.get(image);
    PushedImage pushed = registry.push(fixture);
    assertPullable(pushed);

    HttpResponse<Void> anonymous =
        http.send(
            HttpRequest.newBuilder(manifestUri(registry, fixture.repository(), fixture.tag()))
                .header("Accept", ACCEPT)
                .build(),
            HttpResponse.BodyHandlers.discarding());
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThatThrownBy(
            () ->
                skopeo.run(
                    null,
                    Duration.ofMinutes(1),
                    "inspect",
                    "--raw",
                    "--tls-verify=false",
                    "--no-creds",
                    "docker://" + pushed.digestReference()))
        .hasMessageContaining("unauthorized");
  }

  private void assertPullable(PushedImage pushed) throws Exception {
    FixtureBuild fixture = pushed.fixture();
    TestRegistry registry = pushed.registry();
    for (String reference : List.of(pushed.tagReference(), pushed.digestReference())) {
      byte[] raw = skopeoInspect(registry, reference, "--raw").getBytes(StandardCharsets.UTF_8);
      assertThat(sha256(raw)).as("manifest digest of %s", reference).isEqualTo(fixture.digest());
    }
    for (PlatformImage platform : fixture.platforms()) {
      JsonNode inspected =
          JSON.readTree(
              skopeoInspect(registry, pushed.tagReference(), platformArgs(platform.platform())));
      // skopeo reports the digest of what the reference names (the index); the platform's
      // manifest shows in the architecture and the layers it resolved to.
      JsonNode local =
          JSON.readTree(
              fixture
                  .ociLayout()
                  .resolve("blobs/sha256/" + platform.manifestDigest().substring(7))
                  .toFile());
      List<String> expectedLayers = new ArrayList<>();
      local.path("layers").forEach(l -> expectedLayers.add(l.path("digest").asText()));
      List<String> layers = new ArrayList<>();
      inspected.path("Layers").forEach(l -> layers.add(l.asText()));
      assertThat(layers)
          .as("%s resolved for %s", pushed.tagReference(), platform.platform())
          .isEqualTo(expectedLayers);
      assertThat(inspected.path("Digest").asText()).isEqualTo(fixture.digest());
      assertThat(inspected.path("Architecture").asText())
          .isEqualTo(platform.platform().architecture());
    }

    // The same over the HTTP API: the index (if any), every manifest and every blob.
    JsonNode top = getManifest(registry, fixture.repository(), fixture.tag(), fixture.digest());
    List<String> manifests = new ArrayList<>();
    if (fixture.isIndex()) {
      assertThat(top.path("manifests")).hasSize(fixture.platforms().size());
      for (JsonNode m : top.path("manifests")) {
        Platform p =
            new Platform(
                m.path("platform").path("os").asText(),
                m.path("platform").path("architecture").asText(),
                m.path("platform").hasNonNull("variant")
                    ? m.path("platform").path("variant").asText()
                    : null);
        assertThat(m.path("digest").asText()).isEqualTo(fixture.platform(p).manifestDigest());
        manifests.add(m.path("digest").asText());
      }
    } else {
      manifests.add(fixture.digest());
    }
    for (String digest : manifests) {
      JsonNode manifest = getManifest(registry, fixture.repository(), digest, digest);
      assertBlob(registry, fixture.repository(), manifest.path("config").path("digest").asText());
      for (JsonNode layer : manifest.path("layers")) {
        assertBlob(registry, fixture.repository(), layer.path("digest").asText());
      }
    }
  }

  private static String[] platformArgs(Platform platform) {
    List<String> args =
        new ArrayList<>(
            List.of("--override-os", platform.os(), "--override-arch", platform.architecture()));
    if (platform.variant() != null) {
      args.addAll(List.of("--override-variant", platform.variant()));
    }
    return args.toArray(String[]::new);
  }

  /** {@code skopeo [global options] inspect [--raw] ...}; platform overrides are global options. */
  private String skopeoInspect(TestRegistry registry, String reference, String... extra) {
    List<String> args = new ArrayList<>();
    boolean raw = List.of(extra).contains("--raw");
    List.of(extra).stream().filter(a -> !a.equals("--raw")).forEach(args::add);
    args.add("inspect");
    if (raw) {
      args.add("--raw");
    }
    args.add("--tls-verify=false");
    registry.credentials().ifPresent(c -> args.addAll(List.of("--creds", c.colonForm())));
    args.add("docker://" + reference);
    return skopeo.run(null, java.util.Map.of(), Duration.ofMinutes(1), args);
  }

  private JsonNode getManifest(
      TestRegistry registry, String repository, String reference, String digest) throws Exception {
    HttpResponse<byte[]> response =
        http.send(
            authorized(
                    registry, HttpRequest.newBuilder(manifestUri(registry, repository, reference)))
                .header("Accept", ACCEPT)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).as("GET manifest %s", reference).isEqualTo(200);
    assertThat(response.headers().firstValue("Docker-Content-Digest")).hasValue(digest);
    assertThat(sha256(response.body())).isEqualTo(digest);
    return JSON.readTree(response.body());
  }

  private void assertBlob(TestRegistry registry, String repository, String digest)
      throws Exception {
    URI uri = registry.baseUri().resolve("/v2/" + repository + "/blobs/" + digest);
    HttpResponse<InputStream> response =
        http.send(
            authorized(registry, HttpRequest.newBuilder(uri)).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).as("GET %s", uri).isEqualTo(200);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (InputStream in = new DigestInputStream(response.body(), sha)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    assertThat("sha256:" + HexFormat.of().formatHex(sha.digest()))
        .as("blob %s", uri)
        .isEqualTo(digest);
  }

  private static HttpRequest.Builder authorized(
      TestRegistry registry, HttpRequest.Builder request) {
    registry
        .credentials()
        .ifPresent(
            c ->
                request.header(
                    "Authorization",
                    "Basic "
                        + Base64.getEncoder()
                            .encodeToString(c.colonForm().getBytes(StandardCharsets.UTF_8))));
    return request;
  }

  private static URI manifestUri(TestRegistry registry, String repository, String reference) {
    return registry.baseUri().resolve("/v2/" + repository + "/manifests/" + reference);
  }

  private static String sha256(byte[] bytes) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
