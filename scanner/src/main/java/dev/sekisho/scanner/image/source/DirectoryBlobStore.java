package dev.sekisho.scanner.image.source;

import dev.sekisho.scanner.image.oci.ImageAccessException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files in a directory (an OCI layout). */
class DirectoryBlobStore implements BlobStore {
  private final Path root;

  DirectoryBlobStore(Path root) {
    this.root = root;
  }

  private Path resolve(String path) throws ImageAccessException {
    Path p = root.resolve(path).normalize();
    if (!p.startsWith(root.normalize())) {
      throw new ImageAccessException(
          ImageAccessException.Reason.INVALID, "path " + path + " leaves " + root);
    }
    return p;
  }

  @Override
  public InputStream open(String path) throws IOException {
    Path p = resolve(path);
    if (!Files.isRegularFile(p)) {
      throw new ImageAccessException(
          ImageAccessException.Reason.NOT_FOUND, path + " not found in " + root);
    }
    return Files.newInputStream(p);
  }

  @Override
  public long size(String path) throws IOException {
    Path p = resolve(path);
    return Files.isRegularFile(p) ? Files.size(p) : -1;
  }

  @Override
  public String describe() {
    return root.toString();
  }
}
