package dev.inceptionclassifier.model.arch;

import java.util.List;

/**
 * A state dict does not fit the network, like {@code torch.nn.Module.load_state_dict(strict=True)} failing. Every
 * missing key, unexpected key and shape mismatch is listed, in the message as well as in the accessors.
 */
public class CheckpointMismatchException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient List<String> missingKeys;
    private final transient List<String> unexpectedKeys;
    private final transient List<String> shapeMismatches;

    CheckpointMismatchException(
            String model, List<String> missingKeys, List<String> unexpectedKeys, List<String> shapeMismatches) {
        super(message(model, missingKeys, unexpectedKeys, shapeMismatches));
        this.missingKeys = List.copyOf(missingKeys);
        this.unexpectedKeys = List.copyOf(unexpectedKeys);
        this.shapeMismatches = List.copyOf(shapeMismatches);
    }

    /** Keys the network needs that the state dict lacks. */
    public List<String> missingKeys() {
        return missingKeys;
    }

    /** Keys of the state dict the network does not have ({@code num_batches_tracked} is never one). */
    public List<String> unexpectedKeys() {
        return unexpectedKeys;
    }

    /** One entry per key present on both sides with different shapes: {@code key: checkpoint [..], model [..]}. */
    public List<String> shapeMismatches() {
        return shapeMismatches;
    }

    private static String message(
            String model, List<String> missing, List<String> unexpected, List<String> mismatched) {
        StringBuilder sb =
                new StringBuilder("state dict does not match ").append(model).append(':');
        if (!missing.isEmpty()) {
            sb.append(" missing keys (")
                    .append(missing.size())
                    .append(") ")
                    .append(missing)
                    .append(';');
        }
        if (!unexpected.isEmpty()) {
            sb.append(" unexpected keys (")
                    .append(unexpected.size())
                    .append(") ")
                    .append(unexpected)
                    .append(';');
        }
        if (!mismatched.isEmpty()) {
            sb.append(" shape mismatches (")
                    .append(mismatched.size())
                    .append(") ")
                    .append(mismatched)
                    .append(';');
        }
        sb.setLength(sb.length() - 1);
        return sb.toString();
    }
}
