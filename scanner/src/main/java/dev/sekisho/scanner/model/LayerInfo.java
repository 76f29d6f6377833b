package dev.sekisho.scanner.model;

/**
 * One layer of an image.
 *
 * @param digest digest of the layer blob as stored in the registry (compressed)
 * @param diffId digest of the uncompressed tar (from the image config), or null if unknown
 * @param size blob size in bytes
 * @param mediaType layer media type
 * @param createdBy the history entry's created_by for this layer, or null
 */
public record LayerInfo(
    String digest, String diffId, long size, String mediaType, String createdBy) {}
