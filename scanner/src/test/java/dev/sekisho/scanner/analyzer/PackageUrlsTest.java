package dev.sekisho.scanner.analyzer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import dev.sekisho.scanner.model.PackageType;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PackageUrlsTest {

  @Test
  void encodesEveryByteOfUtf8AsTwoUpperCaseHexDigits() {
    assertThat(PackageUrls.of(PackageType.NPM, "café", "1.0.0"))
        .isEqualTo("pkg:npm/caf%C3%A9@1.0.0");
    assertThat(PackageUrls.of(PackageType.NPM, "a\u0001b c", "1")).isEqualTo("pkg:npm/a%01b%20c@1");
    assertThat(PackageUrls.of(PackageType.NPM, "n@m?x#y/z", "1+2"))
        .isEqualTo("pkg:npm/n%40m%3Fx%23y%2Fz@1%2B2");
    assertThat(PackageUrls.of(PackageType.NPM, "\uD83D\uDE00", "1"))
        .isEqualTo("pkg:npm/%F0%9F%98%80@1");
    assertThat(
            PackageUrls.of(
                PackageType.MAVEN, "org.ex ample", "lib", "1.0", Map.of("type", "jar&x=ü")))
        .isEqualTo("pkg:maven/org.ex%20ample/lib@1.0?type=jar%26x%3D%C3%BC");
    // what was right stays as it was
    assertThat(PackageUrls.of(PackageType.NPM, "types", "node", "20.1.0", null))
        .isEqualTo("pkg:npm/types/node@20.1.0");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"café", "a\u0001b", "sp ace", "at@sign", "q?mark", "hash#tag", "ü/ü", "%41"})
  void roundTripsThroughTheTextForm(String odd) throws Exception {
    String text =
        PackageUrls.of(
            PackageType.NPM, "ns " + odd, odd, "1.0-" + odd, Map.of("arch", odd, "z", "1"));
    assertThat(text).isNotNull().doesNotContain(" ", "\u0001", "é", "ü");
    PackageURL parsed = PackageUrls.parse(text);
    assertThat(parsed.getType()).isEqualTo("npm");
    assertThat(parsed.getNamespace()).isEqualTo(("ns " + odd));
    assertThat(parsed.getName()).isEqualTo(odd);
    assertThat(parsed.getVersion()).isEqualTo("1.0-" + odd);
    assertThat(parsed.getQualifiers())
        .containsExactlyInAnyOrderEntriesOf(Map.of("arch", odd, "z", "1"));
    assertThat(PackageUrls.canonical(parsed)).isEqualTo(text);
  }

  @Test
  void parsesWhatOtherToolsWriteAndNormalisesIt() throws Exception {
    PackageURL p =
        PackageUrls.parse(
            "pkg:deb/Debian/libc6@2.36-9%2Bdeb12u4?distro=debian-12&arch=amd64#a/./b");
    assertThat(p.getNamespace()).isEqualTo("debian");
    assertThat(p.getName()).isEqualTo("libc6");
    assertThat(p.getVersion()).isEqualTo("2.36-9+deb12u4");
    assertThat(p.getSubpath()).isEqualTo("a/b");
    assertThat(PackageUrls.canonical(p))
        .isEqualTo("pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12#a/b");
    assertThat(PackageUrls.parse("pkg:pypi/Django_Rest@3.0").getName()).isEqualTo("django-rest");
    assertThat(PackageUrls.parse("pkg:npm/caf%c3%a9@1").getName()).isEqualTo("café");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "npm/x@1",
        "pkg:npm",
        "pkg:npm/",
        "pkg:npm/x%",
        "pkg:npm/x%4",
        "pkg:npm/x%GG",
        "pkg:npm/x%C3",
        "pkg:maven/only-name@1",
        "pkg:npm/x?a=1&a=2"
      })
  void malformedPurlsAreRefusedNotCrashedOn(String text) {
    assertThatThrownBy(() -> PackageUrls.parse(text))
        .isInstanceOf(MalformedPackageURLException.class);
  }
}
