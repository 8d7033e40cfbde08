// Read models: one folder per question the dashboard, auditors or reporting jobs ask.
export * from './projection.js';
