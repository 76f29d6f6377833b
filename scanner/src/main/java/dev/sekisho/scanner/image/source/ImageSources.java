package dev.sekisho.scanner.image.source;

import dev.sekisho.scanner.image.oci.ImageAccessException;
import dev.sekisho.scanner.image.oci.ImageAccessException.Reason;
import dev.sekisho.scanner.image.registry.RegistryClient;
import dev.sekisho.scanner.layer.Compression;
import dev.sekisho.scanner.layer.LayerWalker;
import dev.sekisho.scanner.layer.SpillLimits;
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
        Archive a = archive(target.path(), ArchiveLimits.fromSystemProperties());
        yield new OciLayoutSource(a.store(), target.tag(), a.cleanup());
      }
      case DOCKER_ARCHIVE -> {
        Archive a = archive(target.path(), ArchiveLimits.fromSystemProperties());
        yield new DockerArchiveSource(a.store(), target.reference(), a.cleanup());
      }
      case SBOM ->
          throw new IllegalArgumentException(
              "sbom: targets are documents, not images: read them with the SBOM reader");
    };
  }

  record Archive(BlobStore store, Closeable cleanup) {}

  /**
   * An archive read in place when it is a plain tar. A compressed archive ({@code docker save |
   * gzip}) cannot be read at random offsets, so it is extracted once into a private temporary
   * directory that closing the source deletes.
   */
  static Archive archive(Path file, ArchiveLimits limits) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new ImageAccessException(Reason.NOT_FOUND, "the archive " + file + " does not exist");
    }
    Compression compression;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      compression = Compression.detect(in);
    }
    if (compression == Compression.NONE) {
      return new Archive(new TarBlobStore(file, limits), null);
    }
    Path dir = Files.createTempDirectory("sekisho-archive-");
    LOG.info(
        "extracting compressed archive file={} compression={} into={}", file, compression, dir);
    try (InputStream in = Compression.decompress(Files.newInputStream(file));
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry e;
      long count = 0;
      long extracted = 0;
      while ((e = tar.getNextEntry()) != null) {
        if (++count > limits.maxEntries()) {
          throw new ImageAccessException(
              Reason.INVALID,
              "the archive "
                  + file
                  + " has more than "
                  + limits.maxEntries()
                  + " entries, the limit for an image archive (an image has a few per layer);"
                  + " SEKISHO_JAVA_OPTS=-D"
                  + ArchiveLimits.MAX_ENTRIES_PROPERTY
                  + "=N raises it");
        }
        String name = LayerWalker.normalize(e.getName());
        if (!LayerWalker.isRegularFile(e) || name.isEmpty()) {
          continue;
        }
        // a tar entry never yields more than its header declares, so the budget is checked first
        extracted += e.getSize();
        if (extracted > limits.maxExtractedBytes()) {
          throw new ImageAccessException(
              Reason.INVALID,
              "the compressed archive "
                  + file
                  + " extracts to more than "
                  + SpillLimits.describe(limits.maxExtractedBytes())
                  + ", the limit for extracting a compressed image archive to a temporary"
                  + " directory; decompress it first (a plain tar is read in place, without"
                  + " copies) or raise it with SEKISHO_JAVA_OPTS=-D"
                  + ArchiveLimits.MAX_EXTRACTED_PROPERTY
                  + "=SIZE");
        }
        Path out = dir.resolve(name);
        Files.createDirectories(out.getParent());
        Files.copy(tar, out);
      }
    } catch (ImageAccessException e) {
      deleteTree(dir);
      throw e;
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
