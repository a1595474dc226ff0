// Property-based engine tests against the sources.
import { propertyScenarios } from './properties';
import { sourceEngine } from './fake';

propertyScenarios('properties (sources)', sourceEngine, 150);
