/** SQL dialects the store runs on. D1 speaks SQLite and shares its migrations. */
export type DialectName = "sqlite" | "postgres";
