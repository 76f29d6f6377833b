package dev.sekisho.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.ScanResultSpec;
import dev.sekisho.testkit.fixtures.FixtureImage;
import dev.sekisho.testkit.fixtures.Fixtures;
import dev.sekisho.testkit.kube.KubeApiServer;
import dev.sekisho.testkit.kube.ServerSideTable;
import dev.sekisho.testkit.registry.PushedImage;
import dev.sekisho.testkit.registry.TestRegistry;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;

/** One annotation gives a test the API server with the CRDs, a registry and the fixtures. */
@SekishoIntegrationTest
class SekishoIntegrationTestIT {

  @Test
  void aTestGetsTheApiServerWithCrdsTheRegistryAndTheFixtures(
      KubeApiServer kube, TestRegistry registry, Fixtures fixtures) {
    PushedImage pushed = registry.push(fixtures.get(FixtureImage.CLEAN));
    String digest = pushed.digestReference().substring(pushed.digestReference().indexOf('@') + 1);
    String ns = kube.createNamespace("one-line");

    ScanResult result = new ScanResult();
    result.setMetadata(new ObjectMetaBuilder().withName("clean").withNamespace(ns).build());
    ScanResultSpec spec = new ScanResultSpec();
    spec.setImage(pushed.tagReference());
    spec.setDigest(digest);
    result.setSpec(spec);
    kube.adminClient().resource(result).create();

    ServerSideTable table =
        ServerSideTable.get(kube, "/apis/sekisho.dev/v1alpha1/namespaces/" + ns + "/scanresults");
    assertThat(table.row(0)).startsWith("clean", pushed.tagReference());
    assertThat(pushed.tagReference()).startsWith("127.0.0.1:");
    assertThat(digest).matches("sha256:[0-9a-f]{64}");
  }
}
