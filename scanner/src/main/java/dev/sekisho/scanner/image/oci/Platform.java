package dev.sekisho.scanner.image.oci;

import java.util.Objects;

/**
 * An image platform {@code OS/ARCH[/VARIANT]}, e.g. {@code linux/amd64}, {@code linux/arm64/v8}.
 *
 * @param os operating system, e.g. linux
 * @param architecture CPU architecture in Go's naming, e.g. amd64, arm64, arm
 * @param variant CPU variant (v7, v8), or null
 */
public record Platform(String os, String architecture, String variant) {

  /** The default platform: {@code linux/amd64}. */
  public static final Platform DEFAULT = new Platform("linux", "amd64", null);

  public Platform {
    Objects.requireNonNull(os, "os");
    Objects.requireNonNull(architecture, "architecture");
    if (variant != null && variant.isEmpty()) {
      variant = null;
    }
  }

  /**
   * Parses {@code OS/ARCH[/VARIANT]}.
   *
   * @throws IllegalArgumentException naming the input when it is malformed
   */
  public static Platform parse(String s) {
    String[] parts = s == null ? new String[0] : s.split("/", -1);
    if (parts.length < 2 || parts.length > 3) {
      throw new IllegalArgumentException(
          "invalid platform \"" + s + "\": expected OS/ARCH[/VARIANT], e.g. linux/arm64");
    }
    for (String part : parts) {
      if (part.isEmpty() || !part.matches("[a-z0-9._-]+")) {
        throw new IllegalArgumentException(
            "invalid platform \"" + s + "\": expected OS/ARCH[/VARIANT], e.g. linux/arm64");
      }
    }
    return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
  }

  /**
   * The variant a platform implies when it names none (as containerd normalises): arm64 means v8,
   * arm means v7.
   */
  public String normalizedVariant() {
    if (variant != null) {
      return variant;
    }
    return switch (architecture) {
      case "arm64" -> "v8";
      case "arm" -> "v7";
      default -> null;
    };
  }

  /** True when an image built for {@code candidate} is exactly what this platform asks for. */
  public boolean matches(Platform candidate) {
    return os.equals(candidate.os)
        && architecture.equals(candidate.architecture)
        && Objects.equals(normalizedVariant(), candidate.normalizedVariant());
  }

  @Override
  public String toString() {
    return os + "/" + architecture + (variant == null ? "" : "/" + variant);
  }
}
