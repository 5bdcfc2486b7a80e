/** A small transformer encoder that learns to reverse sequences: attention, masks, layer norm, embeddings, AdamW. */
package dev.autograd4j.examples.transformer;
