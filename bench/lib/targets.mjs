// The targets of issue 13: reported as met or missed, never enforced.
export const TARGETS = {
  availabilityP95Ms: 50,
  pairsPerSecond: 25,
  pairP99Ms: 250,
  completionP99Ms: 2000,
  hotSlotP99Ms: 1000,
  idleCpuPercent: 10,
};
