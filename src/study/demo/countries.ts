/**
 * The demo's units: real countries (ISO 3166-1 alpha-3 codes, English short names, population
 * in millions rounded from 2020 estimates) with hand-set latent traits on [0, 1] from which the
 * synthetic indicators are drawn. The traits are rough impressions chosen to make the synthetic
 * values plausible, not measurements.
 */
export interface DemoCountry {
  iso3: string;
  name: string;
  /** Population, millions (approximate). */
  pop: number;
  /** Latent development: income, education, research capacity. */
  dev: number;
  /** Political openness: governance and press freedom. */
  open: number;
  /** Global reach: diplomacy, universities' pull, international organisations. */
  reach: number;
  /** Cultural and heritage endowment. */
  cult: number;
  /** Technology specialisation beyond development (about −0.2 to +0.45). */
  tech: number;
}

type Row = [string, string, number, number, number, number, number, number];

// iso3, name, pop, dev, open, reach, cult, tech
const ROWS: Row[] = [
  ["USA", "United States", 331, 0.95, 0.8, 1, 0.8, 0.3],
  ["CHN", "China", 1411, 0.62, 0.1, 0.9, 0.9, 0.35],
  ["GBR", "United Kingdom", 67, 0.92, 0.85, 0.85, 0.8, 0.1],
  ["DEU", "Germany", 83, 0.94, 0.9, 0.8, 0.7, 0.15],
  ["FRA", "France", 67, 0.91, 0.85, 0.85, 0.9, 0.05],
  ["JPN", "Japan", 126, 0.93, 0.8, 0.7, 0.75, 0.3],
  ["KOR", "South Korea", 52, 0.91, 0.75, 0.55, 0.5, 0.4],
  ["IND", "India", 1380, 0.45, 0.55, 0.6, 0.8, 0],
  ["BRA", "Brazil", 213, 0.58, 0.6, 0.5, 0.55, -0.1],
  ["ZAF", "South Africa", 59, 0.52, 0.7, 0.45, 0.45, -0.1],
  ["NGA", "Nigeria", 206, 0.3, 0.45, 0.4, 0.3, -0.2],
  ["KEN", "Kenya", 54, 0.35, 0.5, 0.3, 0.3, -0.1],
  ["EGY", "Egypt", 102, 0.45, 0.2, 0.45, 0.6, -0.1],
  ["TUR", "Turkey", 84, 0.65, 0.35, 0.55, 0.65, 0],
  ["IDN", "Indonesia", 274, 0.52, 0.55, 0.45, 0.5, -0.1],
  ["MEX", "Mexico", 129, 0.6, 0.5, 0.45, 0.7, 0],
  ["ARG", "Argentina", 45, 0.68, 0.7, 0.4, 0.45, -0.05],
  ["AUS", "Australia", 26, 0.94, 0.9, 0.55, 0.5, 0.05],
  ["CAN", "Canada", 38, 0.93, 0.9, 0.6, 0.5, 0.05],
  ["RUS", "Russia", 146, 0.7, 0.15, 0.75, 0.7, 0.05],
  ["SAU", "Saudi Arabia", 35, 0.75, 0.08, 0.45, 0.3, -0.1],
  ["ITA", "Italy", 60, 0.87, 0.75, 0.65, 1, -0.05],
  ["ESP", "Spain", 47, 0.87, 0.8, 0.6, 0.9, -0.05],
  ["NLD", "Netherlands", 17.4, 0.94, 0.92, 0.6, 0.45, 0.15],
  ["SWE", "Sweden", 10.4, 0.95, 0.95, 0.55, 0.4, 0.2],
  ["NOR", "Norway", 5.4, 0.97, 0.97, 0.55, 0.3, 0.05],
  ["DNK", "Denmark", 5.8, 0.95, 0.95, 0.5, 0.3, 0.1],
  ["FIN", "Finland", 5.5, 0.94, 0.96, 0.45, 0.3, 0.2],
  ["CHE", "Switzerland", 8.6, 0.97, 0.92, 0.6, 0.45, 0.2],
  ["AUT", "Austria", 8.9, 0.92, 0.88, 0.45, 0.45, 0.05],
  ["BEL", "Belgium", 11.5, 0.91, 0.88, 0.55, 0.4, 0.05],
  ["POL", "Poland", 38, 0.8, 0.65, 0.45, 0.55, 0],
  ["PRT", "Portugal", 10.3, 0.82, 0.88, 0.45, 0.55, -0.05],
  ["GRC", "Greece", 10.7, 0.8, 0.75, 0.4, 0.7, -0.1],
  ["IRL", "Ireland", 5, 0.94, 0.92, 0.45, 0.3, 0.2],
  ["CZE", "Czechia", 10.7, 0.85, 0.8, 0.35, 0.5, 0.05],
  ["HUN", "Hungary", 9.7, 0.8, 0.5, 0.35, 0.45, 0],
  ["ISR", "Israel", 9.2, 0.88, 0.7, 0.45, 0.4, 0.45],
  ["ARE", "United Arab Emirates", 9.9, 0.82, 0.15, 0.45, 0.2, 0.05],
  ["QAT", "Qatar", 2.9, 0.83, 0.15, 0.35, 0.1, 0],
  ["IRN", "Iran", 84, 0.6, 0.08, 0.45, 0.6, -0.05],
  ["PAK", "Pakistan", 221, 0.3, 0.35, 0.4, 0.35, -0.15],
  ["BGD", "Bangladesh", 165, 0.32, 0.35, 0.25, 0.3, -0.1],
  ["VNM", "Vietnam", 97, 0.5, 0.1, 0.3, 0.45, 0.05],
  ["THA", "Thailand", 70, 0.62, 0.35, 0.4, 0.6, 0],
  ["MYS", "Malaysia", 32, 0.7, 0.5, 0.4, 0.45, 0.1],
  ["SGP", "Singapore", 5.7, 0.95, 0.5, 0.55, 0.3, 0.4],
  ["PHL", "Philippines", 110, 0.45, 0.45, 0.35, 0.35, 0],
  ["NZL", "New Zealand", 5.1, 0.92, 0.95, 0.35, 0.35, 0],
  ["CHL", "Chile", 19, 0.75, 0.8, 0.35, 0.4, -0.05],
  ["COL", "Colombia", 51, 0.6, 0.55, 0.3, 0.45, -0.1],
  ["PER", "Peru", 33, 0.58, 0.55, 0.3, 0.55, -0.1],
  ["MAR", "Morocco", 37, 0.45, 0.35, 0.35, 0.55, -0.1],
  ["ETH", "Ethiopia", 115, 0.2, 0.25, 0.35, 0.4, -0.2],
  ["GHA", "Ghana", 31, 0.38, 0.65, 0.25, 0.3, -0.15],
  ["SEN", "Senegal", 17, 0.3, 0.6, 0.25, 0.3, -0.15],
  ["UKR", "Ukraine", 44, 0.6, 0.5, 0.3, 0.45, 0],
  ["KAZ", "Kazakhstan", 19, 0.65, 0.15, 0.25, 0.3, -0.05],
  ["LKA", "Sri Lanka", 22, 0.5, 0.4, 0.2, 0.45, -0.1],
  ["TUN", "Tunisia", 12, 0.5, 0.55, 0.25, 0.45, -0.1],
];

/** The 60 demo countries, in a fixed order (the order of indicators.csv). */
export const DEMO_COUNTRIES: readonly DemoCountry[] = ROWS.map(
  ([iso3, name, pop, dev, open, reach, cult, tech]) => ({
    iso3,
    name,
    pop,
    dev,
    open,
    reach,
    cult,
    tech,
  }),
);
