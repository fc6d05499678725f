package org.sorcen.train.eval;

import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.sorcen.train.data.Tokenizer;

/**
 * What a generation evaluator draws with: the generator, the tokenizer that decodes its tokens (both
 * owned by the caller), and how to resolve the relative paths of {@code eval.generation} (the
 * committed classifier is relative to the repository).
 */
public record GenerationInputs(
    TokenGenerator generator, Tokenizer tokenizer, UnaryOperator<Path> paths) {}
