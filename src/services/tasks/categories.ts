import type { TaskCategory } from '../../db/queries/tasks';
import { TASK_CATEGORIES } from '../../db/schema';

/** The seed's descriptions, word for word. */
const DESCRIPTIONS: Record<TaskCategory, string> = {
  business_calls: 'Phone calls, scheduling, outreach',
  research_analysis: 'Research, fact-checking, analysis',
  errands_delivery: 'Physical errands and local pickups',
  writing_translation: 'Writing, editing, translation',
  data_entry_transcription: 'Data entry, transcription, digitization',
  property_inspections: 'In-person property inspections',
};

export const CATEGORIES = TASK_CATEGORIES.map((category) => ({ category, description: DESCRIPTIONS[category] }));
