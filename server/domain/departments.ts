// The departments (部门) a county keeps, with the name of their township station (站所).
// A process stage names a department by this code and a level; the network resolves it to a unit.

export interface StandardDepartment {
  code: string;
  name: string;
  /** What the department's office is called at township level. */
  stationName: string;
}

export const STANDARD_DEPARTMENTS: readonly StandardDepartment[] = [
  { code: 'civil_affairs', name: '民政局', stationName: '民政办' },
  { code: 'human_resources', name: '人力资源和社会保障局', stationName: '劳动保障所' },
  { code: 'health', name: '卫生健康委员会', stationName: '计生办' },
  { code: 'medical_insurance', name: '医疗保障局', stationName: '合疗办' },
  { code: 'natural_resources', name: '自然资源局', stationName: '国土所' },
  { code: 'housing', name: '住房和城乡建设局', stationName: '村镇建设办' },
  { code: 'planning', name: '规划局', stationName: '规划所' },
  { code: 'agriculture', name: '农业农村局', stationName: '农技站' },
  { code: 'forestry', name: '林业局', stationName: '林业站' },
  { code: 'water', name: '水利局', stationName: '水利站' },
  { code: 'public_security', name: '公安局', stationName: '派出所' },
  { code: 'market_regulation', name: '市场监督管理局', stationName: '市场监管所' },
  { code: 'finance', name: '财政局', stationName: '财政所' },
  { code: 'justice', name: '司法局', stationName: '司法所' },
  { code: 'veterans', name: '退役军人事务局', stationName: '退役军人服务站' },
  { code: 'disabled_persons', name: '残疾人联合会', stationName: '残联' },
  { code: 'tax', name: '税务局', stationName: '税务所' },
  { code: 'party_mass', name: '党群工作部', stationName: '党政群团办' },
  { code: 'transport', name: '交通运输局', stationName: '交管站' },
  { code: 'education', name: '教育局', stationName: '中心学校' },
];

export const DEPARTMENT_CODE_PATTERN = '^[a-z][a-z0-9_]{1,39}$';

export function standardDepartment(code: string): StandardDepartment | undefined {
  return STANDARD_DEPARTMENTS.find((d) => d.code === code);
}
