package dev.sekisho.testkit.registry;

import dev.sekisho.testkit.fixtures.FixtureBuild;

/**
 * A fixture image pushed to a {@link TestRegistry}.
 *
 * @param registry where it was pushed
 * @param fixture what was pushed (digests, platforms, local copies)
 * @param tagReference {@code 127.0.0.1:PORT/REPOSITORY:TAG}
 * @param digestReference {@code 127.0.0.1:PORT/REPOSITORY@sha256:...}, the digest of the pushed
 *     manifest (or index, for a multi-platform fixture)
 */
public record PushedImage(
    TestRegistry registry, FixtureBuild fixture, String tagReference, String digestReference) {}
