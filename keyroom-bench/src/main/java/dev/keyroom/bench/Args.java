package dev.keyroom.bench;

/** A load generator's positional arguments, each with its default when it is not given. */
record Args(String[] values) {
    /** Argument {@code index} as a whole number, or {@code otherwise}; a malformed one stops the run. */
    int integer(int index, int otherwise) {
        if (index >= values.length) {
            return otherwise;
        }
        try {
            return Integer.parseInt(values[index]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "argument " + (index + 1) + " must be a whole number, not " + values[index]);
        }
    }

    String text(int index, String otherwise) {
        return index < values.length ? values[index] : otherwise;
    }
}
