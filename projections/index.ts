// Read models are added here, one folder per question the dashboard asks.
export {};
