package io.qforge.engine.job;

/** The phases of a job, in order. */
public enum JobPhase { LOADING, BASELINE, CALIBRATING, TRAINING, CONVERTING, EVALUATING, EXPORTING }
