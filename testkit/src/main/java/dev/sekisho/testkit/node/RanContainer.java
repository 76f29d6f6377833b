package dev.sekisho.testkit.node;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * A container the {@link NodeAgent} ran to its end (or killed).
 *
 * @param namespace the pod's namespace
 * @param pod the pod's name
 * @param container the container's name ({@code step-…}, {@code prepare}, …)
 * @param init whether it is an init container
 * @param image the image as written in the pod (nothing is pulled)
 * @param hostCommand the host command line the agent ran for it (for a Tekton step: the step's
 *     command after path rewriting and launcher mapping); empty when the agent emulated the
 *     container itself ({@code prepare}, {@code place-scripts}, {@code working-dir-initializer}) or
 *     never started a process (a skipped step)
 * @param exitCode the exit code reported in the container status
 * @param startedAt when the container started
 * @param finishedAt when it terminated
 * @param output the file holding its stdout and stderr
 * @param terminationMessage the termination message reported in its status ("" if none)
 */
public record RanContainer(
    String namespace,
    String pod,
    String container,
    boolean init,
    String image,
    List<String> hostCommand,
    int exitCode,
    Instant startedAt,
    Instant finishedAt,
    Path output,
    String terminationMessage) {}
