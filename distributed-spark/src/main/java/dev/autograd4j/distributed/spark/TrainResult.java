package dev.autograd4j.distributed.spark;

import java.util.List;

/**
 * What {@link SparkTrainer#fit} reports, after loading the trained state into the caller's model.
 *
 * @param epochLoss per epoch, the mean batch loss over every rank and step
 * @param steps the optimizer steps each rank took
 * @param worldSize the number of ranks (Spark tasks) that trained
 * @param seconds the wall time of the fit, Spark jobs included
 */
public record TrainResult(List<Double> epochLoss, long steps, int worldSize, double seconds) {
    /**
     * Copies the loss list.
     *
     * @param epochLoss per epoch, the mean batch loss
     * @param steps the steps per rank
     * @param worldSize the number of ranks
     * @param seconds the wall time
     */
    public TrainResult {
        epochLoss = List.copyOf(epochLoss);
    }
}
