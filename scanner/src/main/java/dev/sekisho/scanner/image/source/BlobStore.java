package dev.sekisho.scanner.image.source;

import dev.sekisho.scanner.image.oci.ImageAccessException;
import java.io.IOException;
import java.io.InputStream;

/** Files of an OCI layout or docker archive, by their path inside it ("index.json", "blobs/…"). */
interface BlobStore {

  /**
   * Opens a file.
   *
   * @throws ImageAccessException NOT_FOUND when it does not exist
   */
  InputStream open(String path) throws IOException;

  /** The size of a file, or -1 when it does not exist. */
  long size(String path) throws IOException;

  /** What the store reads, for messages. */
  String describe();
}
