package dev.sekisho.scanner.image.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sekisho.scanner.image.oci.ImageReference;
import dev.sekisho.scanner.image.oci.InvalidReferenceException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TargetTest {

  @Test
  void bareReferenceAndDockerTransportNameARegistryImage() {
    Target bare = Target.parse("localhost:5000/app:1");
    assertThat(bare.kind()).isEqualTo(Target.Kind.REGISTRY);
    assertThat(bare.reference()).isEqualTo(ImageReference.parse("localhost:5000/app:1"));
    Target docker = Target.parse("docker://alpine:3.20");
    assertThat(docker.kind()).isEqualTo(Target.Kind.REGISTRY);
    assertThat(docker.reference().toString()).isEqualTo("docker.io/library/alpine:3.20");
    assertThat(Target.parse("registry:quay.io/a/b").reference().registry()).isEqualTo("quay.io");
  }

  @Test
  void ociLayoutWithAndWithoutTag() {
    Target t = Target.parse("oci:build/image:1.0");
    assertThat(t.kind()).isEqualTo(Target.Kind.OCI_LAYOUT);
    assertThat(t.path()).isEqualTo(Path.of("build/image"));
    assertThat(t.tag()).isEqualTo("1.0");
    assertThat(Target.parse("oci:./layout").tag()).isNull();
  }

  @Test
  void archives() {
    Target oa = Target.parse("oci-archive:img.tar:latest");
    assertThat(oa.kind()).isEqualTo(Target.Kind.OCI_ARCHIVE);
    assertThat(oa.path()).isEqualTo(Path.of("img.tar"));
    assertThat(oa.tag()).isEqualTo("latest");
    Target da = Target.parse("docker-archive:save.tar:nginx:1.27");
    assertThat(da.kind()).isEqualTo(Target.Kind.DOCKER_ARCHIVE);
    assertThat(da.path()).isEqualTo(Path.of("save.tar"));
    assertThat(da.reference().toString()).isEqualTo("docker.io/library/nginx:1.27");
    assertThat(Target.parse("docker-archive:save.tar").reference()).isNull();
  }

  @Test
  void sbomIsDispatchedNotRead() {
    Target t = Target.parse("sbom:bom.cdx.json");
    assertThat(t.kind()).isEqualTo(Target.Kind.SBOM);
    assertThat(t.path()).isEqualTo(Path.of("bom.cdx.json"));
  }

  @Test
  void errorsNameTheInput() {
    assertThatThrownBy(() -> Target.parse("ftp://x/y"))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining("\"ftp://x/y\"")
        .hasMessageContaining("unknown transport");
    assertThatThrownBy(() -> Target.parse("oci:"))
        .hasMessageContaining("\"oci:\"")
        .hasMessageContaining("no path");
    assertThatThrownBy(() -> Target.parse("oci:dir:")).hasMessageContaining("empty tag");
    assertThatThrownBy(() -> Target.parse("docker://Bad/Name"))
        .hasMessageContaining("\"docker://Bad/Name\"")
        .hasMessageContaining("lowercase");
    assertThatThrownBy(() -> Target.parse("docker-archive:f.tar:UPPER"))
        .hasMessageContaining("docker-archive:f.tar:UPPER");
    assertThatThrownBy(() -> Target.parse("sbom:")).hasMessageContaining("needs a file");
  }
}
