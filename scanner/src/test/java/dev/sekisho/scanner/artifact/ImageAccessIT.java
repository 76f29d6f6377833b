package dev.sekisho.scanner.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sekisho.scanner.image.oci.ImageAccessException;
import dev.sekisho.scanner.image.oci.ImageAccessException.Reason;
import dev.sekisho.scanner.image.oci.ImageReference;
import dev.sekisho.scanner.image.oci.Platform;
import dev.sekisho.scanner.image.oci.ResolvedImage;
import dev.sekisho.scanner.image.registry.RegistryClient;
import dev.sekisho.scanner.image.registry.RegistryOptions;
import dev.sekisho.scanner.image.source.Target;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.model.LayerInfo;
import dev.sekisho.scanner.testing.FaultProxy;
import dev.sekisho.scanner.testing.FileRecorder;
import dev.sekisho.testkit.fixtures.FixtureBuild;
import dev.sekisho.testkit.fixtures.FixtureImage;
import dev.sekisho.testkit.fixtures.Fixtures;
import dev.sekisho.testkit.fixtures.LayeredFixture;
import dev.sekisho.testkit.fixtures.MultiPlatformFixture;
import dev.sekisho.testkit.registry.PushedImage;
import dev.sekisho.testkit.registry.Registry;
import dev.sekisho.testkit.registry.RegistryAuth;
import dev.sekisho.testkit.registry.RegistryTest;
import dev.sekisho.testkit.registry.TestCertificates;
import dev.sekisho.testkit.registry.TestRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Image access against the real test registry (Distribution) and the testkit's fixtures. */
@RegistryTest
class ImageAccessIT {
  @TempDir Path temp;

  private static RegistryOptions plainHttp(String hostPort) {
    return new RegistryOptions(List.of(), null, null, null, Set.of(hostPort), 3, null, null);
  }

  private static InspectOptions options(
      RegistryOptions registry, Path cache, Predicate<String> wanted) {
    return InspectOptions.defaults()
        .withRegistry(registry)
        .withAnalyzers(List.of(new FileRecorder(wanted)))
        .withCacheDir(cache);
  }

  private static Map<String, String> files(Inventory inv) {
    Map<String, String> out = new TreeMap<>();
    inv.packages().forEach(p -> out.put(p.name(), p.version()));
    return out;
  }

  @ParameterizedTest
  @EnumSource(FixtureImage.class)
  void everyFixtureByTagAndByDigest(FixtureImage image, TestRegistry registry, Fixtures fixtures)
      throws IOException {
    FixtureBuild fixture = fixtures.get(image);
    PushedImage pushed = registry.push(fixture);
    RegistryClient client = new RegistryClient(plainHttp(registry.hostPort()));
    Path cache = temp.resolve("cache");
    ArtifactInspector inspector = new ArtifactInspector();
    // both names, as the os-release analyzer: a fixture's etc/os-release may be a link to
    // usr/lib/os-release, which would otherwise be read once more to be seen as etc/os-release
    Predicate<String> osRelease = p -> p.equals("etc/os-release") || p.equals("usr/lib/os-release");

    Inventory byTag =
        inspector.inspect(
            Target.parse(pushed.tagReference()),
            options(plainHttp(registry.hostPort()), cache, osRelease),
            client);
    long afterTag = client.blobRequests();
    Inventory byDigest =
        inspector.inspect(
            Target.parse(pushed.digestReference()),
            options(plainHttp(registry.hostPort()), cache, osRelease),
            client);

    for (Inventory inv : List.of(byTag, byDigest)) {
      assertThat(inv.image().digest()).isEqualTo(fixture.digest());
      assertThat(inv.image().registry()).isEqualTo(registry.hostPort());
      assertThat(inv.image().repository()).isEqualTo(fixture.repository());
      assertThat(inv.image().platform()).isEqualTo("linux/amd64");
      assertThat(inv.image().layers())
          .isNotEmpty()
          .allSatisfy(l -> assertThat(l.diffId()).startsWith("sha256:"));
    }
    assertThat(byTag.image().tag()).isEqualTo(fixture.tag());
    assertThat(byDigest.image().tag()).isNull();
    assertThat(byDigest.packages()).isEqualTo(byTag.packages());
    // every layer was fetched (and verified) once; the second scan read only the config blob
    assertThat(afterTag).isEqualTo(1 + byTag.image().layers().size());
    assertThat(client.blobRequests() - afterTag).isEqualTo(1);

    ResolvedImage resolved =
        client.fetchImage(ImageReference.parse(pushed.tagReference()), Platform.DEFAULT);
    assertThat(resolved.manifestDigest()).isEqualTo(fixture.platforms().get(0).manifestDigest());
    assertThat(resolved.manifest().config().digest())
        .isEqualTo(fixture.platforms().get(0).configDigest());
    assertThat(resolved.layers())
        .extracting(LayerInfo::digest)
        .isEqualTo(byTag.image().layers().stream().map(LayerInfo::digest).toList());
  }

  @Test
  void layeredFixtureMergesToExactlyTheExpectedFiles(TestRegistry registry, Fixtures fixtures)
      throws IOException {
    PushedImage pushed = registry.push(fixtures.get(FixtureImage.LAYERED));
    Inventory inv =
        new ArtifactInspector()
            .inspect(
                Target.parse(pushed.tagReference()),
                options(plainHttp(registry.hostPort()), null, p -> true));
    assertThat(files(inv)).isEqualTo(LayeredFixture.expectedFiles());
    assertThat(inv.image().layers()).hasSize(3);
  }

  @Test
  void indexResolvesToTheRequestedPlatform(TestRegistry registry, Fixtures fixtures)
      throws IOException {
    FixtureBuild fixture = fixtures.get(FixtureImage.MULTI_PLATFORM);
    PushedImage pushed = registry.push(fixture);
    for (var platform : MultiPlatformFixture.PLATFORMS) {
      Inventory inv =
          new ArtifactInspector()
              .inspect(
                  Target.parse(pushed.tagReference()),
                  options(plainHttp(registry.hostPort()), null, p -> true)
                      .withPlatform(Platform.parse(platform.toString())));
      assertThat(files(inv)).isEqualTo(MultiPlatformFixture.expectedFiles(platform));
      assertThat(inv.image().platform()).isEqualTo(platform.toString());
      assertThat(inv.image().digest()).isEqualTo(fixture.digest());
    }
    assertThatThrownBy(
            () ->
                new ArtifactInspector()
                    .inspect(
                        Target.parse(pushed.tagReference()),
                        options(plainHttp(registry.hostPort()), null, p -> true)
                            .withPlatform(Platform.parse("linux/s390x"))))
        .isInstanceOf(ImageAccessException.class)
        .hasMessageContaining("no image for platform linux/s390x")
        .hasMessageContaining("linux/amd64, linux/arm64/v8");
  }

  @Test
  void localLayoutAndDockerArchiveGiveTheSameFilesAsTheRegistry(Fixtures fixtures)
      throws IOException {
    FixtureBuild fixture = fixtures.get(FixtureImage.LAYERED);
    InspectOptions opts = options(RegistryOptions.defaults(), null, p -> true);
    Inventory oci = new ArtifactInspector().inspect(Target.parse(fixture.ociReference()), opts);
    Inventory archive =
        new ArtifactInspector()
            .inspect(Target.parse("docker-archive:" + fixture.dockerArchive()), opts);
    assertThat(files(oci)).isEqualTo(LayeredFixture.expectedFiles());
    assertThat(files(archive)).isEqualTo(LayeredFixture.expectedFiles());
    assertThat(oci.image().digest()).isEqualTo(fixture.digest());
    assertThat(archive.image().layers())
        .extracting(LayerInfo::diffId)
        .isEqualTo(oci.image().layers().stream().map(LayerInfo::diffId).toList());
  }

  @Test
  void tlsRegistryOfAPrivateCaIsReadWithItsCaBundleAndRefusedWithout(Fixtures fixtures)
      throws IOException {
    TestCertificates certificates = TestCertificates.generate(temp.resolve("tls"));
    try (TestRegistry registry = TestRegistry.startTls(RegistryAuth.ANONYMOUS, certificates)) {
      PushedImage pushed = registry.push(fixtures.get(FixtureImage.LAYERED));
      RegistryOptions trusting =
          RegistryOptions.defaults().withCaBundles(List.of(certificates.caCertificate()));

      Inventory inv =
          new ArtifactInspector()
              .inspect(Target.parse(pushed.tagReference()), options(trusting, null, p -> true));

      assertThat(files(inv)).isEqualTo(LayeredFixture.expectedFiles());
      assertThat(inv.image().registry()).isEqualTo(registry.hostPort());
      assertThatThrownBy(
              () ->
                  new ArtifactInspector()
                      .inspect(
                          Target.parse(pushed.tagReference()),
                          options(RegistryOptions.defaults(), null, p -> true)))
          .isInstanceOf(ImageAccessException.class)
          .hasMessageContaining("TLS certificate of " + registry.hostPort() + " is not trusted")
          .hasMessageContaining("add its CA certificate")
          .satisfies(
              e -> assertThat(((ImageAccessException) e).reason()).isEqualTo(Reason.UNTRUSTED));
    }
  }

  @Test
  void basicAuthFromDockerConfig(
      @Registry(RegistryAuth.BASIC) TestRegistry registry, Fixtures fixtures) throws IOException {
    PushedImage pushed = registry.push(fixtures.get(FixtureImage.LAYERED));
    var creds = registry.credentials().orElseThrow();
    Path config = temp.resolve("config.json");
    String auth =
        Base64.getEncoder().encodeToString(creds.colonForm().getBytes(StandardCharsets.UTF_8));
    Files.writeString(
        config, "{\"auths\":{\"" + registry.hostPort() + "\":{\"auth\":\"" + auth + "\"}}}");
    RegistryOptions withCreds = plainHttp(registry.hostPort()).withDockerConfigs(List.of(config));
    Inventory inv =
        new ArtifactInspector()
            .inspect(Target.parse(pushed.digestReference()), options(withCreds, null, p -> true));
    assertThat(files(inv)).isEqualTo(LayeredFixture.expectedFiles());

    // the same credentials as a Kubernetes pull secret
    Path secret = temp.resolve(".dockerconfigjson");
    Files.copy(config, secret);
    RegistryOptions kube = plainHttp(registry.hostPort()).withKubernetesDockerConfig(secret);
    assertThat(
            files(
                new ArtifactInspector()
                    .inspect(Target.parse(pushed.tagReference()), options(kube, null, p -> true))))
        .isEqualTo(LayeredFixture.expectedFiles());
  }

  @Test
  void unauthorizedNamesRegistryAndScope(
      @Registry(RegistryAuth.BASIC) TestRegistry registry, Fixtures fixtures) throws IOException {
    PushedImage pushed = registry.push(fixtures.get(FixtureImage.LAYERED));
    assertThatThrownBy(
            () ->
                new ArtifactInspector()
                    .inspect(
                        Target.parse(pushed.tagReference()),
                        options(plainHttp(registry.hostPort()), null, p -> true)))
        .isInstanceOf(ImageAccessException.class)
        .hasMessageContaining(
            "registry "
                + registry.hostPort()
                + " refused access to repository:"
                + FixtureImage.LAYERED.repository()
                + ":pull")
        .hasMessageContaining("anonymously")
        .satisfies(
            e -> assertThat(((ImageAccessException) e).reason()).isEqualTo(Reason.UNAUTHORIZED));
    Path config = temp.resolve("wrong.json");
    String auth =
        Base64.getEncoder()
            .encodeToString("sekisho:wrong-password".getBytes(StandardCharsets.UTF_8));
    Files.writeString(
        config, "{\"auths\":{\"" + registry.hostPort() + "\":{\"auth\":\"" + auth + "\"}}}");
    assertThatThrownBy(
            () ->
                new ArtifactInspector()
                    .inspect(
                        Target.parse(pushed.tagReference()),
                        options(
                            plainHttp(registry.hostPort()).withDockerConfigs(List.of(config)),
                            null,
                            p -> true)))
        .hasMessageContaining("refused access")
        .hasMessageContaining("user sekisho")
        .hasMessageNotContaining("wrong-password");
  }

  @Test
  void missingTagAndRepositoryAreNotFound(TestRegistry registry, Fixtures fixtures)
      throws IOException {
    registry.push(fixtures.get(FixtureImage.LAYERED));
    InspectOptions opts = options(plainHttp(registry.hostPort()), null, p -> true);
    assertThatThrownBy(
            () ->
                new ArtifactInspector()
                    .inspect(
                        Target.parse(
                            registry.tagReference(
                                FixtureImage.LAYERED.repository(), "no-such-tag")),
                        opts))
        .hasMessageContaining(
            "tag no-such-tag not found in "
                + registry.hostPort()
                + "/"
                + FixtureImage.LAYERED.repository())
        .satisfies(
            e -> assertThat(((ImageAccessException) e).reason()).isEqualTo(Reason.NOT_FOUND));
    assertThatThrownBy(
            () ->
                new ArtifactInspector()
                    .inspect(Target.parse(registry.tagReference("no/such-repo", "1")), opts))
        .hasMessageContaining("not found")
        .hasMessageContaining(registry.hostPort() + "/no/such-repo")
        .satisfies(
            e -> assertThat(((ImageAccessException) e).reason()).isEqualTo(Reason.NOT_FOUND));
  }

  @Test
  void tamperedBlobIsRejectedNamingTheDigest(TestRegistry registry, Fixtures fixtures)
      throws IOException {
    FixtureBuild fixture = fixtures.get(FixtureImage.LAYERED);
    registry.push(fixture);
    try (FaultProxy proxy = new FaultProxy(registry.baseUri())) {
      String ref = proxy.hostPort() + "/" + fixture.repository() + ":" + fixture.tag();
      RegistryClient client = new RegistryClient(plainHttp(proxy.hostPort()));
      String layer =
          client.fetchImage(ImageReference.parse(ref), Platform.DEFAULT).layerDigests().get(1);
      proxy.tamper(layer);
      Path cache = temp.resolve("cache");
      assertThatThrownBy(
              () ->
                  new ArtifactInspector()
                      .inspect(
                          Target.parse(ref),
                          options(plainHttp(proxy.hostPort()), cache, p -> true),
                          client))
          .isInstanceOf(ImageAccessException.class)
          .hasMessageContaining("blob " + layer)
          .hasMessageContaining("rejected")
          .satisfies(
              e ->
                  assertThat(((ImageAccessException) e).reason())
                      .isEqualTo(Reason.DIGEST_MISMATCH));
      assertThat(Files.exists(cache.resolve("sha256").resolve(layer.substring(7)))).isFalse();
    }
  }

  @Test
  void rateLimitAndServerErrorsAreRetriedThenReported(TestRegistry registry, Fixtures fixtures)
      throws IOException {
    FixtureBuild fixture = fixtures.get(FixtureImage.LAYERED);
    registry.push(fixture);
    try (FaultProxy proxy = new FaultProxy(registry.baseUri())) {
      String ref = proxy.hostPort() + "/" + fixture.repository() + ":" + fixture.tag();
      proxy.fail(2, 429, "0");
      Inventory inv =
          new ArtifactInspector()
              .inspect(Target.parse(ref), options(plainHttp(proxy.hostPort()), null, p -> true));
      assertThat(files(inv)).isEqualTo(LayeredFixture.expectedFiles());
      assertThat(proxy.requests.subList(0, 3))
          .allSatisfy(r -> assertThat(r).endsWith("/manifests/" + fixture.tag()));

      proxy.fail(100, 503, null);
      assertThatThrownBy(
              () ->
                  new ArtifactInspector()
                      .inspect(
                          Target.parse(ref),
                          options(plainHttp(proxy.hostPort()).withMaxAttempts(2), null, p -> true)))
          .isInstanceOf(ImageAccessException.class)
          .hasMessageContaining("server error (HTTP 503)")
          .hasMessageContaining("gave up after 2 attempts")
          .satisfies(
              e -> assertThat(((ImageAccessException) e).reason()).isEqualTo(Reason.UNAVAILABLE));
      proxy.fail(100, 429, "0");
      assertThatThrownBy(
              () ->
                  new ArtifactInspector()
                      .inspect(
                          Target.parse(ref),
                          options(plainHttp(proxy.hostPort()).withMaxAttempts(2), null, p -> true)))
          .hasMessageContaining("rate limited (HTTP 429)")
          .satisfies(
              e -> assertThat(((ImageAccessException) e).reason()).isEqualTo(Reason.UNAVAILABLE));
    }
  }
}
