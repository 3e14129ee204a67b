package dev.inceptionclassifier.model.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint or model configuration file is malformed, truncated or uses something this service does not support.
 * The message names the file and what is wrong with it. Unlike a download failure, retrying will not help.
 */
class CheckpointFormatException extends IOException {

    CheckpointFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }

    CheckpointFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
