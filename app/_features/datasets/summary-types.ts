/** Shape of `Dataset.summary` as the server stores it (server/uploads/summary.ts). */
export type DatasetSummaryData = {
  notes: {
    format: string;
    featureNames?: string[];
    targetColumn?: string;
    delimiter?: string;
    hasHeader?: boolean;
    droppedConstantColumns?: string[];
    decimalCommaColumns?: string[];
    oneHotColumns?: string[];
    missingRule?: string;
    imputedCells?: number;
    droppedRows?: number;
    unseenTestLabels?: string[];
    scaling?: string;
    splitSeed?: number;
    testFraction?: number | null;
  };
  classBalance: { className: string; train: number; test: number }[] | null;
  targetHistogram: { edges: number[]; counts: number[] } | null;
  features: { name: string; mean: number; std: number; min: number; max: number }[] | null;
};
