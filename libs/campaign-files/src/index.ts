export * from './campaign-file';
export * from './copy-deck';
export { parseCsv } from './csv';
