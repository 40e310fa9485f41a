// Turning issueStats' flat cells into a two-way grid (rows x columns) the page can print as a table.

export interface KeyValue {
  value?: string | null;
  label: string;
}

export interface PivotCell<T> {
  keys: KeyValue[];
  value: T;
}

export interface Grid<T> {
  rows: KeyValue[];
  columns: KeyValue[];
  /** cells[row][column]; null when the server sent no cell for that pair */
  cells: (T | null)[][];
}

const id = (k: KeyValue) => k.value ?? `∅${k.label}`;

/** Rows and columns in the order they first appear in `cells` (the server's order). */
export function toGrid<T>(cells: readonly PivotCell<T>[]): Grid<T> {
  const rows: KeyValue[] = [];
  const columns: KeyValue[] = [];
  const rowIndex = new Map<string, number>();
  const colIndex = new Map<string, number>();
  for (const c of cells) {
    const [r, col] = c.keys;
    if (r && !rowIndex.has(id(r))) rowIndex.set(id(r), rows.push(r) - 1);
    if (col && !colIndex.has(id(col))) colIndex.set(id(col), columns.push(col) - 1);
  }
  const grid: (T | null)[][] = rows.map(() => columns.map(() => null));
  for (const c of cells) {
    const [r, col] = c.keys;
    if (r && col) grid[rowIndex.get(id(r))!][colIndex.get(id(col))!] = c.value;
  }
  return { rows, columns, cells: grid };
}
