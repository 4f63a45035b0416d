/**
 * bursar inside LangChain4j: {@link BursarChatModel}, a {@code ChatModel} backed by a
 * {@code ComputeController} (an {@code AiServices} agent gets adaptive compute with one line), and
 * {@link ChatModelBackend}, a {@code Backend} over any LangChain4j {@code ChatModel} (the controller
 * drives OpenAI, Ollama or any provider LangChain4j supports, in-process).
 */
@NullMarked
package dev.bursar.backends.langchain4j;

import org.jspecify.annotations.NullMarked;
