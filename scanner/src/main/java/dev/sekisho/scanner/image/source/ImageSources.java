package dev.sekisho.scanner.image.source;

import dev.sekisho.scanner.image.oci.ImageAccessException;
import dev.sekisho.scanner.image.oci.ImageAccessException.Reason;
import dev.sekisho.scanner.image.registry.RegistryClient;
import dev.sekisho.scanner.layer.Compression;
import dev.sekisho.scanner.layer.LayerWalker;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the {@link ImageSource} a {@link Target} names. */
public final class ImageSources {
  private static final Logger LOG = LoggerFactory.getLogger(ImageSources.class);

  private ImageSources() {}

  /**
   * Opens a target's source. Nothing is read yet but, for archives, the tar's headers.
   *
   * @param client the registry client, used for registry targets only (may be null otherwise)
   * @throws IllegalArgumentException for an SBOM target, which is not an image
   * @throws ImageAccessException when a local file is missing or unreadable
   */
  public static ImageSource open(Target target, RegistryClient client) throws IOException {
    return switch (target.kind()) {
      case REGISTRY -> {
        if (client == null) {
          throw new IllegalArgumentException("a registry target needs a registry client");
        }
        yield new RegistrySource(client, target.reference());
      }
      case OCI_LAYOUT -> {
        if (!Files.isDirectory(target.path())) {
          throw new ImageAccessException(
              Reason.NOT_FOUND, "the OCI layout directory " + target.path() + " does not exist");
        }
        yield new OciLayoutSource(new DirectoryBlobStore(target.path()), target.tag(), null);
      }
      case OCI_ARCHIVE -> {
        Archive a = archive(target.path());
        yield new OciLayoutSource(a.store(), target.tag(), a.cleanup());
      }
      case DOCKER_ARCHIVE -> {
        Archive a = archive(target.path());
        yield new DockerArchiveSource(a.store(), target.reference(), a.cleanup());
      }
      case SBOM ->
          throw new IllegalArgumentException(
              "sbom: targets are documents, not images: read them with the SBOM reader");
    };
  }

  private record Archive(BlobStore store, Closeable cleanup) {}

  /**
   * An archive read in place when it is a plain tar. A compressed archive ({@code docker save |
   * gzip}) cannot be read at random offsets, so it is extracted once into a private temporary
   * directory that closing the source deletes.
   */
  private static Archive archive(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new ImageAccessException(Reason.NOT_FOUND, "the archive " + file + " does not exist");
    }
    Compression compression;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      compression = Compression.detect(in);
    }
    if (compression == Compression.NONE) {
      return new Archive(new TarBlobStore(file), null);
    }
    Path dir = Files.createTempDirectory("sekisho-archive-");
    LOG.info(
        "extracting compressed archive file={} compression={} into={}", file, compression, dir);
    try (InputStream in = Compression.decompress(Files.newInputStream(file));
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        String name = LayerWalker.normalize(e.getName());
        if (!LayerWalker.isRegularFile(e) || name.isEmpty()) {
          continue;
        }
        Path out = dir.resolve(name);
        Files.createDirectories(out.getParent());
        Files.copy(tar, out);
      }
    } catch (IOException e) {
      deleteTree(dir);
      throw new ImageAccessException(
          Reason.INVALID, "cannot read the archive " + file + ": " + e.getMessage(), e);
    }
    return new Archive(
        new DirectoryBlobStore(dir) {
          @Override
          public String describe() {
            return "archive " + file;
          }
        },
        () -> deleteTree(dir));
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
