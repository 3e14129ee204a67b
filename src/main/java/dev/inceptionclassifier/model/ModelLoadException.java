package dev.inceptionclassifier.model;

/** A configured model could not be loaded; the message names the model and the cause in one paragraph. */
public class ModelLoadException extends RuntimeException {

    ModelLoadException(String model, String source, Throwable cause) {
        super("Model '" + model + "' (source " + source + ") could not be loaded: " + describe(cause), cause);
    }

    private static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder(String.valueOf(t.getMessage()));
        for (Throwable c = t.getCause(); c != null && c != t; c = c.getCause()) {
            if (c.getMessage() != null && !sb.toString().contains(c.getMessage())) {
                sb.append(" (").append(c.getMessage()).append(')');
            }
        }
        return sb.toString();
    }
}
