package dev.sekisho.scanner.vex;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PurlTest {
  private static Purl p(String s) {
    return Purl.parse(s).orElseThrow(() -> new AssertionError("not a purl: " + s));
  }

  @ParameterizedTest(name = "{0} covers {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        // qualifier order, percent-encoding, case of type and namespace where case-insensitive
        "pkg:deb/debian/libssl3@3.0.11-1?distro=debian-12&arch=amd64|PKG:DEB/Debian/libssl3@3.0.11-1?arch=amd64&distro=debian%2D12",
        "pkg:npm/%40angular/core@17.0.0|pkg:npm/@Angular/Core@17.0.0",
        "pkg:pypi/Django_Rest.Framework@3.14.0|pkg:pypi/django-rest-framework@3.14.0",
        // v-prefixed versions
        "pkg:golang/golang.org/x/net@v0.17.0|pkg:golang/golang.org/x/net@0.17.0",
        // a qualifier on one side only is not compared; no version covers every version
        "pkg:deb/debian/zlib1g|pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12",
        "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64|pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1",
        "pkg:rpm/RedHat/openssl@3.0.7-27.el9|pkg:rpm/redhat/openssl@3.0.7-27.el9?arch=x86_64",
        // an image by digest, whatever the tag; Docker Hub's spellings of a repository
        "pkg:oci/nginx@sha256%3AABCD?tag=1.26|pkg:oci/nginx@sha256:abcd?tag=1.27&repository_url=docker.io/nginx",
        "pkg:oci/nginx?repository_url=index.docker.io/library/nginx|pkg:oci/nginx@sha256:ab?repository_url=docker.io/nginx",
      })
  void covers(String statement, String pkg) {
    assertThat(p(statement).covers(p(pkg))).isTrue();
  }

  @ParameterizedTest(name = "{0} does not cover {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "pkg:deb/debian/libssl3@3.0.11-1?arch=arm64|pkg:deb/debian/libssl3@3.0.11-1?arch=amd64",
        "pkg:deb/debian/libssl3@3.0.11-2|pkg:deb/debian/libssl3@3.0.11-1",
        "pkg:deb/ubuntu/libssl3@3.0.11-1|pkg:deb/debian/libssl3@3.0.11-1",
        "pkg:maven/Org.Example/Lib@1.0|pkg:maven/org.example/lib@1.0",
        "pkg:oci/app@sha256:aa|pkg:oci/app@sha256:bb",
        "pkg:oci/app?repository_url=ghcr.io/team/app|pkg:oci/app@sha256:aa?repository_url=quay.io/team/app",
        "pkg:oci/app@sha256:aa|pkg:oci/app?repository_url=ghcr.io/team/app",
      })
  void doesNotCover(String statement, String pkg) {
    assertThat(p(statement).covers(p(pkg))).isFalse();
  }

  @Test
  void notAPurlIsEmpty() {
    assertThat(Purl.parse("cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*")).isEmpty();
    assertThat(Purl.parse("pkg:")).isEmpty();
    assertThat(Purl.parse(null)).isEmpty();
  }

  @Test
  void canonicalTextSortsQualifiersAndEncodes() {
    assertThat(p("pkg:oci/app@sha256:ab?tag=1.0&repository_url=ghcr.io/team/app").canonical())
        .isEqualTo("pkg:oci/app@sha256%3Aab?repository_url=ghcr.io%2Fteam%2Fapp&tag=1.0");
  }
}
