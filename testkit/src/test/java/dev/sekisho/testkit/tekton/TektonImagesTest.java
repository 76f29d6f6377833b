package dev.sekisho.testkit.tekton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class TektonImagesTest {

  @Test
  void controllerFlagsNameEveryImageFlagOfTektonsController() {
    TektonImages.References refs =
        new TektonImages.References(
            "e@sha256:1", "n@sha256:2", "w@sha256:3", "s@sha256:4", "sh", "ps");
    // the six flags Tekton v1.6.0's Images.Validate requires
    assertThat(refs.controllerFlags())
        .containsExactlyInAnyOrder(
            "-entrypoint-image=e@sha256:1",
            "-nop-image=n@sha256:2",
            "-workingdirinit-image=w@sha256:3",
            "-sidecarlogresults-image=s@sha256:4",
            "-shell-image=sh",
            "-shell-image-win=ps");
    assertThat(refs.of(TektonImages.Command.WORKING_DIR_INIT)).isEqualTo("w@sha256:3");
    assertThat(TektonImages.Command.ENTRYPOINT.koPath()).isEqualTo("/ko-app/entrypoint");
  }

  @Test
  void placeholdersAreWhatTheControllerGetsByDefault() {
    TektonImages.References placeholders = TektonImages.References.placeholders();
    assertThat(TektonController.ENTRYPOINT_IMAGE).isEqualTo(placeholders.entrypoint());
    assertThat(TektonController.SHELL_IMAGE).isEqualTo(placeholders.shell());
    assertThat(placeholders.controllerFlags()).allSatisfy(f -> assertThat(f).contains(".invalid/"));
  }

  @Test
  void missingBinariesNameTheScriptThatBuildsThem(@TempDir Path tmp) {
    TektonRelease release = new TektonRelease(tmp, "1.6.0");
    assertThatThrownBy(() -> TektonImages.of(release, tmp.resolve("busybox")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(tmp.resolve("bin/entrypoint").toString())
        .hasMessageContaining("hack/tekton-binaries.sh");
  }

  @Test
  void aStaticElfExecutableIsAccepted(@TempDir Path tmp) throws IOException {
    Path file = elf(tmp.resolve("static"), 1, 6); // PT_LOAD, PT_PHDR
    TektonImages.requireStaticExecutable(file);
  }

  @Test
  void aDynamicallyLinkedBusyboxIsRejectedNamingThePackage(@TempDir Path tmp) throws IOException {
    Path file = elf(tmp.resolve("dynamic"), 6, 3, 1); // PT_PHDR, PT_INTERP, PT_LOAD
    assertThatThrownBy(() -> TektonImages.requireStaticExecutable(file))
        .hasMessageContaining(file.toString())
        .hasMessageContaining("dynamically linked")
        .hasMessageContaining("busybox-static");
  }

  @Test
  void aMissingOrNonElfFileIsRejected(@TempDir Path tmp) throws IOException {
    assertThatThrownBy(() -> TektonImages.requireStaticExecutable(tmp.resolve("absent")))
        .hasMessageContaining("busybox-static");
    Path script = tmp.resolve("script");
    Files.writeString(
        script, "#!/bin/sh\necho not a binary, but long enough to read a header\n".repeat(2));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThatThrownBy(() -> TektonImages.requireStaticExecutable(script))
        .hasMessageContaining("not a 64-bit little-endian ELF");
  }

  /** A minimal ELF64 little-endian header with program headers of the given types. */
  private static Path elf(Path file, int... programHeaderTypes) throws IOException {
    int entrySize = 56;
    ByteBuffer b =
        ByteBuffer.allocate(64 + entrySize * programHeaderTypes.length)
            .order(ByteOrder.LITTLE_ENDIAN);
    b.put(0, new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
    b.putLong(0x20, 64); // e_phoff
    b.putShort(0x36, (short) entrySize);
    b.putShort(0x38, (short) programHeaderTypes.length);
    for (int i = 0; i < programHeaderTypes.length; i++) {
      b.putInt(64 + i * entrySize, programHeaderTypes[i]);
    }
    Files.write(file, b.array());
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }
}
