/**
 * Error codes of the release gates, the daily check and their records (17xxx,
 * docs/error-codes.md "Release and daily check"). One code per kind of failed item, so a
 * table line and the log line after it name the same thing.
 */
export const RELEASE = {
  /** The release is refused: the table lists the failed items. */
  refused: 17000,
  /** A component's code changed but its version is not higher than the deployed one. */
  versionNotRaised: 17001,
  /** A component's version differs from the deployed one though its code did not change. */
  versionWithoutChange: 17002,
  /** The deployed version or code of a target network cannot be read. */
  deployedUnreadable: 17003,
  /** No equivalence report. */
  equivalenceMissing: 17010,
  /** The equivalence report was produced from other artifacts. */
  equivalenceStale: 17011,
  /** The equivalence report is not EQUIVALENT. */
  equivalenceRed: 17012,
  /** No predeploy test results. */
  predeployMissing: 17020,
  /** The predeploy results were produced from other artifacts. */
  predeployStale: 17021,
  /** A predeploy stage failed or a required stage did not run. */
  predeployRed: 17022,
  /** The SBOM does not validate against the CycloneDX schema. */
  sbomInvalid: 17030,
  /** The release notes could not be generated (git history, previous release). */
  notesFailed: 17040,
  /** The rollback plan could not be generated or a command line does not parse. */
  rollbackPlanFailed: 17050,
  /** The wasm artifacts differ from the build's checksums.txt. */
  artifactsInconsistent: 17060,
} as const;

export const CHECK = {
  /** The daily check found failures: the table lists them. */
  failed: 17100,
  /** Deployment verification (code, roles, parameters) failed. */
  verify: 17101,
  /** The access review found a holder the plan does not name (or a missing one). */
  access: 17102,
  /** sync.json differs from what the chains say. */
  sync: 17103,
  /** The journal's hash chain is broken (edited, removed or inserted lines). */
  journal: 17104,
  /** An address book is not what the journal derives, byte for byte. */
  books: 17105,
  /** The chains' clocks drift apart more than allowed. */
  drift: 17106,
  /** Nothing is deployed on this network pair. */
  noDeployment: 17107,
} as const;
