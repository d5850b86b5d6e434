// Shared by the alert tests (09-alerts, 09-alerts-email): two teams and two
// rosters that, loaded together, put ASSESS over the red agency level.
export const ALERT_TEAMS = [
  { code: 'ASSESS', name: 'Assessment', area: 'Front door' },
  { code: 'LAC', name: 'Looked after children', area: 'Care' },
];

// 10 permanent FTE in each team; agency adds 5 FTE to ASSESS: 5 / 15 = 33.3% (red at 30%).
export function rosterHr() {
  let s = 'staff_id,team,contract,fte\n';
  for (let i = 1; i <= 10; i++) s += `A${i},ASSESS,permanent,1.0\n`;
  for (let i = 1; i <= 10; i++) s += `L${i},LAC,permanent,1.0\n`;
  return s;
}

export function rosterAgency() {
  let s = 'staff_id,team,contract,fte\n';
  for (let i = 1; i <= 5; i++) s += `G${i},ASSESS,agency,1.0\n`;
  return s;
}
