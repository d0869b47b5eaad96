/** The account and study that e2e/start-stack.ts creates in the fresh database. */
export const E2E_USER = {
  email: 'e2e-owner@robustlab.test',
  name: 'E2E Owner',
  password: 'e2e-password-2026',
};

/** A second member (editor) of the e2e study, for the tests where two users work together. */
export const E2E_MEMBER = {
  email: 'e2e-member@robustlab.test',
  name: 'E2E Member',
  password: 'e2e-member-password-2026',
};

export const E2E_STUDY = {
  name: 'E2E robustness study',
  description: 'Created by the end-to-end tests.',
};

/** Line that start-stack.ts prints once the stack serves requests. playwright.config.ts captures the URL from it. */
export const READY_PATTERN = /E2E stack ready at (?<e2e_base_url>http:\/\/[\d.:]+)/;
