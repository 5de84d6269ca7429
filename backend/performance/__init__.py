"""The plan's performance dashboard: knife crime by month, Havens verified, notices sent and delivered."""
