// The AT engine scenarios against the sources.
import { engineScenarios } from './scenarios';
import { sourceEngine } from './fake';

engineScenarios('engine (sources)', sourceEngine);
